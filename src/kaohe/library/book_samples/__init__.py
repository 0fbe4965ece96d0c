"""The book's sample tables (seed 002, 表9-23 … 9-27) as scheme files."""
