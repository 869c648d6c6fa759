"""The built-in engines; each registers through the plugin hooks like an outside one."""
