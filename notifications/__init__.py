"""Notices reaching people: recording them with their recipients and channel plan, and
delivering them (e-mail, webhooks, the daily digest, the calendar feed)."""
