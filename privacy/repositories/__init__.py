"""The tokens' repository; only ``privacy`` itself calls it."""
