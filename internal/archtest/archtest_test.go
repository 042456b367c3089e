package archtest

import (
	"bufio"
	"errors"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "comite"

// modules are the short names the import column of the architecture table
// gives third-party modules: a name allows every package of its module.
var modules = map[string]string{
	"bluemonday":     "github.com/microcosm-cc/bluemonday",
	"chi":            "github.com/go-chi/chi/v5",
	"chromedp":       "github.com/chromedp/chromedp",
	"goldmark":       "github.com/yuin/goldmark",
	"gzhttp":         "github.com/klauspost/compress",
	"golang-migrate": "github.com/golang-migrate/migrate/v4",
	"mimetype":       "github.com/gabriel-vasile/mimetype",
	"minio-go":       "github.com/minio/minio-go/v7",
	"pgx":            "github.com/jackc/pgx/v5",
	"prometheus":     "github.com/prometheus/client_golang",
	"river":          "github.com/riverqueue/river",
	"scs":            "github.com/alexedwards/scs",
	"templ":          "github.com/a-h/templ",
	"x/crypto":       "golang.org/x/crypto",
	"x/net":          "golang.org/x/net",
}

// rule is one row of the table: what a package may import.
type rule struct {
	everything bool
	allowed    []string // import paths or module prefixes
}

func (r rule) allows(path string) bool {
	if r.everything || isStdlib(path) {
		return true
	}
	for _, a := range r.allowed {
		if path == a || strings.HasPrefix(path, a+"/") {
			return true
		}
	}
	return false
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != module
}

var (
	rowRe     = regexp.MustCompile("^\\| `([^`]+)` \\|.*\\| ([^|]+) \\|$")
	commentRe = regexp.MustCompile(`\([^)]*\)`)
)

// readTable reads the package table of docs/architecture.md.
func readTable(t *testing.T, root string, projects map[string]string) map[string]rule {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules := map[string]rule{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := rowRe.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var r rule
		for name := range strings.SplitSeq(commentRe.ReplaceAllString(m[2], ""), ",") {
			name = strings.TrimSpace(name)
			switch {
			case name == "everything":
				r.everything = true
			case name == "stdlib":
			case projects[name] != "":
				r.allowed = append(r.allowed, projects[name])
			case modules[name] != "":
				r.allowed = append(r.allowed, modules[name])
			default:
				t.Errorf("docs/architecture.md, row %s: %q is neither a package of the portal nor a module of archtest.modules", m[1], name)
			}
		}
		rules[module+"/"+m[1]] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		t.Fatal("docs/architecture.md: no package table")
	}
	return rules
}

// packages returns every package of the module that has non-test files,
// with what those files import.
func packages(t *testing.T, root string) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); dir != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" ||
			name == "node_modules" || name == "var" || name == "bin") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(dir, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return err
		}
		pkgs[module+"/"+filepath.ToSlash(rel)] = pkg.Imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// TestImportRules checks that every package of the portal has a row in
// docs/architecture.md's package table and imports only what that row
// names, and that README's package list names every package.
func TestImportRules(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := packages(t, root)
	projects := map[string]string{}
	for path := range pkgs {
		projects[path[strings.LastIndexByte(path, '/')+1:]] = path
	}
	rules := readTable(t, root, projects)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(readme), "## Architecture")
	if !ok {
		t.Fatal("README.md has no Architecture section")
	}
	var paths []string
	for path := range pkgs {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		short := strings.TrimPrefix(path, module+"/")
		if !strings.Contains(list, short) {
			t.Errorf("README.md's package list does not name %s", short)
		}
		r, ok := rules[path]
		if !ok {
			t.Errorf("docs/architecture.md has no row for %s", short)
			continue
		}
		for _, imp := range pkgs[path] {
			if !r.allows(imp) {
				t.Errorf("%s imports %s, which its row of docs/architecture.md does not allow", short, imp)
			}
		}
	}
	for path := range rules {
		if _, ok := pkgs[path]; !ok {
			t.Errorf("docs/architecture.md has a row for %s, which is not a package", strings.TrimPrefix(path, module+"/"))
		}
	}
}
