"""Git: running it (`run`), facts from history (`facts`) and commits (`commit`)."""
