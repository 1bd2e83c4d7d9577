"""The print-on-demand (Inkthreadable) wire format: field mapping (`orders`), JSON or XML
bodies (`codec`, `xml_format`) and the request signature (`signature`)."""
