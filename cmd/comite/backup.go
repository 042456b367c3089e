package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"comite/internal/backup"
	"comite/internal/blob"
	"comite/internal/config"
)

// cmdBackup writes a dated archive of the database and its files under
// --to: a folder, or s3://bucket/folder?… with the same parameters as
// COMITE_BLOB_URL.
func cmdBackup(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("backup", &cfg, stdout)
	to := fs.String("to", "", "folder or s3://bucket/folder?… that receives the dated archive (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *to == "" || fs.NArg() > 0 {
		return usageError{"usage: comite backup --to DIR|s3://bucket/folder?…"}
	}
	dest, err := blob.OpenObjects(*to)
	if err != nil {
		return usageError{"--to: " + err.Error()}
	}
	db, err := openDatabase(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.close()
	files, err := openFiles(ctx, cfg)
	if err != nil {
		return err
	}
	defer files.Close()
	started := time.Now()
	name, m, err := backup.Backup(ctx, backup.Options{DatabaseURL: db.url, Files: files, To: dest, Log: log})
	if err != nil {
		return fmt.Errorf("sauvegarde : %w", err)
	}
	fmt.Fprintf(stdout, "Sauvegarde %s écrite en %s : base %s, %d fichiers, %s en tout.\n",
		archiveAddress(*to, name), time.Since(started).Round(time.Millisecond), sizeText(m.Database.Size), len(m.Files), sizeText(m.Bytes()))
	if len(m.Missing) > 0 {
		fmt.Fprintf(stdout, "Attention : %d fichiers cités par la base manquaient au stockage ; la sauvegarde ne peut pas les rendre (liste dans %s).\n",
			len(m.Missing), backup.ManifestName)
	}
	return nil
}

// archiveAddress is where the archive went, as restore --from takes it.
func archiveAddress(to, name string) string {
	base, query, _ := strings.Cut(to, "?")
	addr := strings.TrimRight(base, "/") + "/" + name
	if query != "" {
		addr += "?" + query
	}
	return addr
}

// cmdRestore rebuilds an empty database and the file store from an archive.
func cmdRestore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("restore", &cfg, stdout)
	from := fs.String("from", "", "the archive: DIR/comite-…Z or s3://bucket/folder/comite-…Z?… (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || fs.NArg() > 0 {
		return usageError{"usage: comite restore --from DIR/comite-…Z|s3://bucket/folder/comite-…Z?…"}
	}
	src, err := blob.OpenObjects(*from)
	if err != nil {
		return usageError{"--from: " + err.Error()}
	}
	db, err := openDatabase(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.close()
	files, err := openFiles(ctx, cfg)
	if err != nil {
		return err
	}
	defer files.Close()
	started := time.Now()
	m, err := backup.Restore(ctx, backup.RestoreOptions{From: src, DatabaseURL: db.url, Files: files, Log: log})
	if err != nil {
		return fmt.Errorf("restauration : %w", err)
	}
	var rows int64
	for _, n := range m.Rows {
		rows += n
	}
	fmt.Fprintf(stdout, "Sauvegarde du %s restaurée en %s : %d lignes dans %d tables, %d fichiers, sommes SHA-256 vérifiées.\n",
		m.CreatedAt.Format(time.RFC3339), time.Since(started).Round(time.Millisecond), rows, len(m.Rows), len(m.Files))
	if len(m.Missing) > 0 {
		fmt.Fprintf(stdout, "Attention : %d fichiers cités par la base manquaient déjà lors de la sauvegarde.\n", len(m.Missing))
	}
	return nil
}

// sizeText writes a byte count as people read it (« 12,3 Mo »).
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.Replace(fmt.Sprintf("%.1f Go", float64(n)/(1<<30)), ".", ",", 1)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return strings.Replace(fmt.Sprintf("%.1f ko", float64(n)/(1<<10)), ".", ",", 1)
	}
	return fmt.Sprintf("%d octets", n)
}
