"""The three allocation policies; each turns a `Prepared` problem into a `Decision`."""
