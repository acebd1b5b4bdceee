"""Speed and memory measurements; each prints a table and writes JSON to results/."""
