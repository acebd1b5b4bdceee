"""One repository module per aggregate. Functions take ``session`` and never commit."""
