"""Audit documents' content: uploaded PDF files, checked, then stored once under the SHA-256
of their bytes. Certifications' events name a document by that digest; the bytes stay here."""
