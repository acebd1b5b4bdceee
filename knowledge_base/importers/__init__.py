"""Loading catalogues into the database, from our own format or an operator's."""
