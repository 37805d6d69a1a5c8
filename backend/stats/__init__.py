"""Public statistics: the yearly market report (the 点点 platform's tables) and its charts."""
