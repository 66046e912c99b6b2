"""Rules a CHECK constraint cannot express, because they read another table.

- A statement's or evidence's quote must be the source text at its span.
- A source's text cannot change once a statement or a passage of evidence points into it.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION attest_quote_matches_source() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source_text text;
BEGIN
    -- A missing or reversed span is the CHECK constraints' to refuse.
    IF NEW.span_start IS NULL OR NEW.span_end IS NULL OR NEW.span_end <= NEW.span_start THEN
        RETURN NEW;
    END IF;
    -- FOR SHARE waits for a concurrent edit of the source's text to commit,
    -- so the quote is checked against the text that will be stored.
    SELECT text INTO source_text FROM sources_source WHERE id = NEW.source_id FOR SHARE;
    IF substr(source_text, NEW.span_start + 1, NEW.span_end - NEW.span_start) IS DISTINCT FROM NEW.quote THEN
        RAISE EXCEPTION 'The quote is not the source text at characters % to %.', NEW.span_start, NEW.span_end
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quote_matches_source_text';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER statement_quote_matches_source
    BEFORE INSERT OR UPDATE OF source_id, span_start, span_end, quote ON claims_statement
    FOR EACH ROW EXECUTE FUNCTION attest_quote_matches_source();

CREATE TRIGGER evidence_quote_matches_source
    BEFORE INSERT OR UPDATE OF source_id, span_start, span_end, quote ON claims_evidence
    FOR EACH ROW EXECUTE FUNCTION attest_quote_matches_source();

CREATE FUNCTION attest_source_text_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.text IS DISTINCT FROM OLD.text AND (
        EXISTS (SELECT 1 FROM claims_statement WHERE source_id = OLD.id AND span_start IS NOT NULL)
        OR EXISTS (SELECT 1 FROM claims_evidence WHERE source_id = OLD.id AND span_start IS NOT NULL)
    ) THEN
        RAISE EXCEPTION 'The text of source % cannot change: statements or evidence point into it.', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'source_text_frozen';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER source_text_frozen
    BEFORE UPDATE OF text ON sources_source
    FOR EACH ROW EXECUTE FUNCTION attest_source_text_frozen();
"""

DROP = """
DROP TRIGGER source_text_frozen ON sources_source;
DROP FUNCTION attest_source_text_frozen();
DROP TRIGGER evidence_quote_matches_source ON claims_evidence;
DROP TRIGGER statement_quote_matches_source ON claims_statement;
DROP FUNCTION attest_quote_matches_source();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
