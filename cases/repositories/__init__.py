"""One repository module per case aggregate; only ``cases`` itself calls them."""
