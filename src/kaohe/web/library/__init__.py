"""The position library in the web app: the book's 32 positions as readable, printable pages, and the
company's own copies of a position's competency model and target-responsibility letter, which HR edits."""
