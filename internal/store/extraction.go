package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"comite/internal/model"
)

// VersionToExtract returns the sha256 and media type of a document version.
func (s *Store) VersionToExtract(ctx context.Context, versionID int64) (sha256, mediaType string, err error) {
	err = s.db.QueryRow(ctx, `SELECT sha256, media_type FROM document_versions WHERE id = $1`, versionID).
		Scan(&sha256, &mediaType)
	if err != nil {
		return "", "", fmt.Errorf("version %d to extract: %w", versionID, mapErr(err))
	}
	return sha256, mediaType, nil
}

// SetExtraction stores the outcome of a text extraction: status "done" with
// the text, "failed" with the error message, or "skipped" (no text in that
// type). It returns model.ErrNotFound when the version is gone.
func (s *Store) SetExtraction(ctx context.Context, versionID int64, status, text, errText string) error {
	switch status {
	case "done", "failed", "skipped":
	default:
		return fmt.Errorf("set extraction of version %d: invalid status %q", versionID, status)
	}
	tag, err := s.db.Exec(ctx, `UPDATE document_versions
		SET extraction_status = $2, extracted_text = $3, extraction_error = $4 WHERE id = $1`,
		versionID, status, text, errText)
	if err != nil {
		return fmt.Errorf("set extraction of version %d: %w", versionID, mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set extraction of version %d: %w", versionID, model.ErrNotFound)
	}
	return nil
}

// Tx returns the transaction a store made by InTx runs in, nil otherwise:
// river's InsertTx needs it.
func (s *Store) Tx() pgx.Tx {
	tx, _ := s.db.(pgx.Tx)
	return tx
}
