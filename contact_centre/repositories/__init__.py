"""One repository module per contact-centre aggregate; only ``contact_centre`` calls them."""
