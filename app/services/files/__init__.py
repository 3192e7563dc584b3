"""Files: storage, uploads checked by content, virus scan, PDF safety, photo metadata, safe rich text."""
