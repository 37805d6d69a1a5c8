"""Drawing shared by certificates, court reports and charts: fonts, CJK text, one palette, QR."""
