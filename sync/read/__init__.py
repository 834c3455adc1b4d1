"""Reading workbooks as officers keep them: open, find the table, map it to a Register."""
