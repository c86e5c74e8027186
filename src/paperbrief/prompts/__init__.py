"""Prompt template files (report.zh.txt, report.en.txt), read by paperbrief.writer.prompts."""
