"""xlsync: keep a council master register and partner returns in step."""
