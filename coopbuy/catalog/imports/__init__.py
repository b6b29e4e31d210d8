"""Reading suppliers' price lists: files to rows of text, rows to products, products to changes."""
