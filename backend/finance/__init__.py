"""Green finance: CDCER pledge loans, financial institutions and their products, the 绿蓉融
green enterprise and project database, financing applications and ESG disclosure."""
