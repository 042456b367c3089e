package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"comite/internal/config"
	"comite/internal/generate"
	"comite/internal/seed"
	"comite/internal/store"
)

// cmdGenerate fills the database with a large synthetic committee for
// performance work, on top of the demo committee (loaded first when
// missing). It refuses a database it has already filled.
func cmdGenerate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := newFlags("generate", &cfg, stdout)
	documents := fs.Int("documents", 20000, "documents to generate (each with one or two versions and their text)")
	comments := fs.Int("comments", 200000, "comments to generate on the followed plan's measures")
	seedValue := fs.Uint64("seed", 1, "seed of the random generator: the same seed on the same day gives the same data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("comite generate takes no argument, got %q", fs.Args())}
	}
	if *documents < 0 || *comments < 0 {
		return usageError{"--documents and --comments must be zero or more"}
	}
	db, err := openDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.close()
	if err := seed.Committee(ctx, store.New(db.pool)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Génération de %d documents et %d commentaires (graine %d)…\n", *documents, *comments, *seedValue)
	res, err := generate.Run(ctx, db.pool, generate.Options{Documents: *documents, Comments: *comments, Seed: *seedValue,
		Progress: func(s generate.Step) {
			if s.Rows > 0 {
				fmt.Fprintf(stdout, "  %-18s %9d lignes  %s\n", s.Table, s.Rows, s.Took.Round(time.Millisecond))
			} else {
				fmt.Fprintf(stdout, "  %-18s %9s         %s\n", s.Table, "", s.Took.Round(time.Millisecond))
			}
		}})
	if errors.Is(err, generate.ErrAlreadyGenerated) {
		return fmt.Errorf("%w (comptes en @%s) : rien n'a été ajouté ; repartez d'une base neuve (supprimez le dossier de données, ou une autre DATABASE_URL)",
			err, generate.EmailDomain)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Comité généré en %s (chargement %s, puis VACUUM ANALYZE) : %d comptes, %d réunions, %d points d'ordre du jour, %d décisions, "+
		"%d documents, %d versions (%.1f Mo de texte), %d mises en œuvre, %d commentaires, %d actualités.\n",
		res.Took.Round(100*time.Millisecond), res.Load.Round(100*time.Millisecond), res.Accounts, res.Meetings, res.AgendaItems,
		res.Decisions, res.Documents, res.Versions, float64(res.TextBytes)/(1<<20), res.Updates, res.Comments, res.News)
	for _, w := range generate.RareWords {
		fmt.Fprintf(stdout, "  mot rare « %s » : %s, %s, %s, %s\n", w, nounCount(res.PlantedIn(w, "documents"), "document"),
			nounCount(res.PlantedIn(w, "comments"), "commentaire"), nounCount(res.PlantedIn(w, "decisions"), "décision"),
			nounCount(res.PlantedIn(w, "measure_updates"), "mise en œuvre"))
	}
	return nil
}

// nounCount writes n and the noun, plural from 2 on as French has it.
func nounCount(n int, noun string) string {
	if n > 1 {
		noun = strings.Replace(noun+" ", " ", "s ", 1)
	}
	return fmt.Sprintf("%d %s", n, strings.TrimSpace(noun))
}
