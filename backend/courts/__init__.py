"""Courts: restorative carbon-sink cases, defendant purchases and single-use verification (核销)."""
