"""Pages of consulting and supervision: thin views over the services and selectors."""
