// Command goproxy serves Go modules from local git mirrors as a file-based module proxy
// (GOPROXY=file://<dir>), so that a build which names them at pinned versions in go.mod and go.sum
// gets, from a mirror, the very module zips and go.mod files the public proxy serves: each zip is
// made with golang.org/x/mod/zip from the mirror at the version's commit, and checked against the
// go.sum lines that name it before it is published.
//
//	goproxy -out DIR -repo MODULE=GITDIR... -sum GO.SUM...   fill DIR with what the go.sum files need
//	goproxy -repo MODULE=GITDIR -pseudo MODULE@COMMIT          print the version the go command gives COMMIT
//
// A -repo names a repository's root module path; modules in its subdirectories (nested modules such
// as github.com/hyperledger/fabric/ccaas_builder, major versions /vN) are served from it too. A
// version a mirror cannot produce (no such tag, a commit the mirror lacks) is left out: the go
// command then asks the next proxy in GOPROXY. A version it produces with other content than
// go.sum records is an error.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

type repo struct {
	root   string // the module path of the repository's root
	gitDir string
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	var repos, sumFiles, wants multi
	out := flag.String("out", "", "the proxy directory to fill")
	pseudo := flag.String("pseudo", "", "MODULE@COMMIT: print the version the go command computes for COMMIT")
	flag.Var(&repos, "repo", "MODULE=GITDIR: a mirror and the module path of its root (repeatable)")
	flag.Var(&sumFiles, "sum", "a go.sum file whose versions to serve (repeatable)")
	flag.Var(&wants, "want", "MODULE@VERSION to serve unchecked, for writing a go.sum (repeatable)")
	flag.Parse()
	var rs []repo
	for _, r := range repos {
		mod, dir, ok := strings.Cut(r, "=")
		if !ok {
			fail(fmt.Errorf("-repo %q: want MODULE=GITDIR", r))
		}
		rs = append(rs, repo{root: mod, gitDir: dir})
	}
	if *pseudo != "" {
		mod, commit, _ := strings.Cut(*pseudo, "@")
		r, sub, err := locate(rs, mod, "")
		if err != nil {
			fail(err)
		}
		v, err := pseudoVersion(r, mod, sub, commit)
		if err != nil {
			fail(err)
		}
		fmt.Println(v)
		return
	}
	if *out == "" || len(sumFiles)+len(wants) == 0 {
		fail(errors.New("usage: goproxy -out DIR -repo MODULE=GITDIR... -sum GO.SUM..."))
	}
	want, err := readSums(sumFiles)
	if err != nil {
		fail(err)
	}
	for _, w := range wants {
		mod, v, _ := strings.Cut(w, "@")
		mv := module.Version{Path: mod, Version: v}
		if want[mv] == nil {
			want[mv] = &sums{zip: "-", mod: "-"}
		}
	}
	keys := make([]module.Version, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Path+"@"+keys[i].Version < keys[j].Path+"@"+keys[j].Version })
	for _, mv := range keys {
		if _, _, err := locate(rs, mv.Path, ""); err != nil {
			continue // not a mirrored module: the next proxy serves it
		}
		served, err := serve(*out, rs, mv, want[mv])
		if err != nil {
			fail(err)
		}
		if !served {
			fmt.Fprintf(os.Stderr, "goproxy: %s@%s is not in its mirror; left to the next proxy\n", mv.Path, mv.Version)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goproxy:", err)
	os.Exit(1)
}

// sums are the hashes go.sum records for one module version: the zip's and the go.mod's.
type sums struct{ zip, mod string }

func readSums(files []string) (map[module.Version]*sums, error) {
	want := map[module.Version]*sums{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) != 3 {
				continue
			}
			v, isMod := strings.CutSuffix(fields[1], "/go.mod")
			mv := module.Version{Path: fields[0], Version: v}
			s := want[mv]
			if s == nil {
				s = &sums{}
				want[mv] = s
			}
			if isMod {
				s.mod = fields[2]
			} else {
				s.zip = fields[2]
			}
		}
	}
	return want, nil
}

// locate finds the mirror holding module path mod and the module's directory in it. With a
// commit, a major-version suffix names a subdirectory only where that directory has a go.mod.
func locate(rs []repo, mod, commit string) (repo, string, error) {
	for _, r := range rs {
		if mod != r.root && !strings.HasPrefix(mod, r.root+"/") {
			continue
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(mod, r.root), "/")
		_, major, _ := module.SplitPathVersion(mod)
		if major != "" && commit != "" {
			// github.com/x/y/v2: the v2/ directory when it holds the module, else the root
			if _, err := git(r.gitDir, "cat-file", "-e", commit+":"+path.Join(rest, "go.mod")); err != nil {
				rest = strings.TrimSuffix(strings.TrimSuffix(rest, strings.TrimPrefix(major, "/")), "/")
			}
		} else if major != "" {
			rest = strings.TrimSuffix(strings.TrimSuffix(rest, strings.TrimPrefix(major, "/")), "/")
		}
		return r, rest, nil
	}
	return repo{}, "", fmt.Errorf("no mirror serves %s", mod)
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"--git-dir=" + dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// commitOf is the commit a version names in the mirror: a pseudo-version's revision, or the tag
// (prefixed with the module's directory) of a release.
func commitOf(r repo, sub string, v string) (string, error) {
	ref := ""
	if module.IsPseudoVersion(v) {
		rev, err := module.PseudoVersionRev(v)
		if err != nil {
			return "", err
		}
		ref = rev
	} else {
		tag := strings.TrimSuffix(v, "+incompatible")
		if sub != "" && !isMajorDir(sub) {
			tag = sub + "/" + tag
		}
		ref = "refs/tags/" + tag
	}
	return git(r.gitDir, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
}

func isMajorDir(sub string) bool {
	_, major, ok := module.SplitPathVersion("x/" + sub)
	return ok && major != "" && !strings.Contains(sub, "/")
}

func commitTime(r repo, commit string) (time.Time, error) {
	s, err := git(r.gitDir, "show", "-s", "--format=%cI", commit)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err
}

// pseudoVersion follows the go command (cmd/go/internal/modfetch.codeRepo.convert): the base is
// the highest tag merged into the commit that is a canonical version of the module's major
// version (no +incompatible: these modules have a go.mod), then module.PseudoVersion.
func pseudoVersion(r repo, mod, sub, commit string) (string, error) {
	full, err := git(r.gitDir, "rev-parse", "--verify", "--quiet", commit+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("%s has no commit %s", r.gitDir, commit)
	}
	_, major, _ := module.SplitPathVersion(mod)
	prefix := ""
	if sub != "" && !isMajorDir(sub) {
		prefix = sub + "/"
	}
	refs, err := git(r.gitDir, "for-each-ref", "--format=%(refname)", "--merged="+full, "refs/tags/")
	if err != nil {
		return "", err
	}
	highest := ""
	for _, line := range strings.Split(refs, "\n") {
		tag, ok := strings.CutPrefix(strings.TrimSpace(line), "refs/tags/"+prefix)
		if !ok || !semver.IsValid(tag) || semver.Canonical(tag) != tag || !module.MatchPathMajor(tag, major) {
			continue
		}
		if semver.Compare(tag, highest) > 0 {
			highest = tag
		}
	}
	t, err := commitTime(r, full)
	if err != nil {
		return "", err
	}
	return module.PseudoVersion(semver.Major(strings.TrimPrefix(major, "/")+".0.0"), highest, t, full[:12]), nil
}

// serve writes the .info, .mod and (when go.sum records its hash) .zip of one module version,
// unless they are there already; false when the mirror lacks the version.
func serve(out string, rs []repo, mv module.Version, want *sums) (bool, error) {
	// The module's directory decides its tags' prefix; where a /vN module lives (vN/ or the root)
	// is decided at the commit.
	r, tagDir, err := locate(rs, mv.Path, "")
	if err != nil {
		return false, nil
	}
	commit, err := commitOf(r, tagDir, mv.Version)
	if err != nil {
		return false, nil
	}
	_, sub, err := locate(rs, mv.Path, commit)
	if err != nil {
		return false, nil
	}
	escPath, err := module.EscapePath(mv.Path)
	if err != nil {
		return false, err
	}
	escVer, err := module.EscapeVersion(mv.Version)
	if err != nil {
		return false, err
	}
	dir := filepath.Join(out, escPath, "@v")
	base := filepath.Join(dir, escVer)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	raw, err := goModAt(r, mv.Path, commit, sub)
	if err != nil {
		return false, nil
	}
	if f, err := modfile.ParseLax("go.mod", raw, nil); err != nil || f.Module == nil || f.Module.Mod.Path != mv.Path {
		return false, fmt.Errorf("%s@%s: the go.mod at %s does not declare module %s", mv.Path, mv.Version, commit, mv.Path)
	}
	if want.mod != "" && want.mod != "-" {
		h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil })
		if err != nil {
			return false, err
		}
		if h != want.mod {
			return false, fmt.Errorf("%s@%s: the mirror's go.mod hashes to %s, go.sum records %s", mv.Path, mv.Version, h, want.mod)
		}
	}
	if want.zip != "" {
		if _, err := os.Stat(base + ".zip"); err != nil {
			tmp := fmt.Sprintf("%s.zip.%d", base, os.Getpid())
			f, err := os.Create(tmp)
			if err != nil {
				return false, err
			}
			zerr := zipFromMirror(f, mv, r.gitDir, commit, sub)
			cerr := f.Close()
			if zerr != nil || cerr != nil {
				os.Remove(tmp)
				return false, fmt.Errorf("%s@%s: %v", mv.Path, mv.Version, errors.Join(zerr, cerr))
			}
			h, err := dirhash.HashZip(tmp, dirhash.Hash1)
			if err != nil {
				os.Remove(tmp)
				return false, err
			}
			if want.zip != "-" && h != want.zip {
				os.Remove(tmp)
				return false, fmt.Errorf("%s@%s: the zip made from the mirror at %s hashes to %s, go.sum records %s", mv.Path, mv.Version, commit, h, want.zip)
			}
			if err := os.Rename(tmp, base+".zip"); err != nil {
				return false, err
			}
		}
	}
	t, err := commitTime(r, commit)
	if err != nil {
		return false, err
	}
	info := fmt.Sprintf("{\"Version\":%q,\"Time\":%q}\n", mv.Version, t.Format(time.RFC3339))
	for ext, data := range map[string][]byte{".mod": raw, ".info": []byte(info)} {
		tmp := fmt.Sprintf("%s%s.%d", base, ext, os.Getpid())
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return false, err
		}
		if err := os.Rename(tmp, base+ext); err != nil {
			return false, err
		}
	}
	return true, nil
}

// goModAt is the module's go.mod at commit, exactly; for a module without one, the go.mod the go
// command makes up for it (a module line alone).
func goModAt(r repo, mod, commit, sub string) ([]byte, error) {
	file := path.Join(sub, "go.mod")
	listed, err := git(r.gitDir, "ls-tree", "--name-only", commit, "--", file)
	if err != nil {
		return nil, err
	}
	if listed == "" {
		return []byte("module " + modfile.AutoQuote(mod) + "\n"), nil
	}
	return exec.Command("git", "--git-dir="+r.gitDir, "cat-file", "blob", commit+":"+file).Output()
}

// zipFromMirror makes the module zip with modzip.CreateFromVCS, which wants a work tree's
// directory: a temporary directory whose .git is a link to the bare mirror.
func zipFromMirror(w io.Writer, mv module.Version, gitDir, commit, sub string) error {
	abs, err := filepath.Abs(gitDir)
	if err != nil {
		return err
	}
	tree, err := os.MkdirTemp("", "goproxy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tree)
	if err := os.Symlink(abs, filepath.Join(tree, ".git")); err != nil {
		return err
	}
	return modzip.CreateFromVCS(w, mv, tree, commit, sub)
}
