// Command crdgen writes the upstream CustomResourceDefinitions that Runner Fleet's tests install
// into a real kube-apiserver, one YAML file per CRD, obtained from upstream Go modules at the
// versions pinned in this module's go.mod (KubeVirt, CDI) and in kedaVersion/kedaSum (KEDA):
//
//   - KubeVirt: kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components
//     NewReplicaSetCrd, NewVirtualMachinePoolCrd, NewVirtualMachineCrd,
//     NewVirtualMachineInstanceCrd (upstream crds.go + validations_generated.go compiled in via
//     -overlay, see internal/components/doc.go), marshalled like KubeVirt's
//     tools/util/marshaller.go (keys sorted, no status, no metadata.creationTimestamp).
//   - CDI: kubevirt.io/containerized-data-importer/pkg/operator/resources CDICRDs["datavolume"],
//     CDICRDs["datasource"], written byte-for-byte.
//   - KEDA: config/crd/bases/keda.sh_{scaledobjects,triggerauthentications,
//     clustertriggerauthentications}.yaml read from the github.com/kedacore/keda/v2 module
//     download (go mod download -json, checked against kedaSum), with the JSON6902 patch that
//     config/crd/kustomization.yaml applies to scaledobjects.keda.sh
//     (config/crd/patches/scaledobject_patch.yaml) applied.
//
// Usage: go run -overlay "$(bash overlay.sh)"... ; see ../build.sh. Flags: -out DIR
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/runner-fleet/runner-fleet/tools/k8s-testenv/crdgen/internal/components"
	"go.yaml.in/yaml/v3"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	cdiresources "kubevirt.io/containerized-data-importer/pkg/operator/resources"
	sigsyaml "sigs.k8s.io/yaml"
)

// KEDA is not imported (its dependency graph is large and irrelevant here); its module is
// downloaded at this version and verified against the go.sum-style hash below.
const (
	kedaModule  = "github.com/kedacore/keda/v2"
	kedaVersion = "v2.21.0"
	kedaSum     = "h1:R6z2HZvstK4RLUMxroNACzBj74xGxt3kG59b5Xc+Xps="
)

func main() {
	out := flag.String("out", "", "directory to write the CRD YAML files into (created if missing)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: crdgen -out DIR")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "crdgen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	// KubeVirt
	kubevirt := []struct {
		file string
		fn   func() (*extv1.CustomResourceDefinition, error)
	}{
		{"kubevirt.io_virtualmachineinstancereplicasets.yaml", components.NewReplicaSetCrd},
		{"pool.kubevirt.io_virtualmachinepools.yaml", components.NewVirtualMachinePoolCrd},
		{"kubevirt.io_virtualmachines.yaml", components.NewVirtualMachineCrd},
		{"kubevirt.io_virtualmachineinstances.yaml", components.NewVirtualMachineInstanceCrd},
	}
	for _, k := range kubevirt {
		crd, err := k.fn()
		if err != nil {
			return fmt.Errorf("%s: %w", k.file, err)
		}
		b, err := marshalLikeKubeVirt(crd)
		if err != nil {
			return fmt.Errorf("%s: %w", k.file, err)
		}
		if err := write(out, k.file, b); err != nil {
			return err
		}
	}

	// CDI
	for key, file := range map[string]string{
		"datavolume": "cdi.kubevirt.io_datavolumes.yaml",
		"datasource": "cdi.kubevirt.io_datasources.yaml",
	} {
		s, ok := cdiresources.CDICRDs[key]
		if !ok {
			return fmt.Errorf("CDI CDICRDs has no key %q", key)
		}
		if err := write(out, file, []byte(s)); err != nil {
			return err
		}
	}

	// KEDA
	dir, err := downloadModule(kedaModule, kedaVersion, kedaSum)
	if err != nil {
		return err
	}
	bases := filepath.Join(dir, "config", "crd", "bases")
	for _, name := range []string{"keda.sh_triggerauthentications.yaml", "keda.sh_clustertriggerauthentications.yaml"} {
		b, err := os.ReadFile(filepath.Join(bases, name))
		if err != nil {
			return err
		}
		if err := write(out, name, b); err != nil {
			return err
		}
	}
	so, err := os.ReadFile(filepath.Join(bases, "keda.sh_scaledobjects.yaml"))
	if err != nil {
		return err
	}
	patch, err := os.ReadFile(filepath.Join(dir, "config", "crd", "patches", "scaledobject_patch.yaml"))
	if err != nil {
		return err
	}
	so, err = applyJSON6902(so, patch)
	if err != nil {
		return fmt.Errorf("keda.sh_scaledobjects.yaml: %w", err)
	}
	return write(out, "keda.sh_scaledobjects.yaml", so)
}

func write(dir, name string, b []byte) error {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "crdgen: wrote %s (%d bytes)\n", name, len(b))
	return nil
}

// marshalLikeKubeVirt mirrors kubevirt.io/kubevirt/tools/util.MarshallObject for a CRD:
// JSON round trip, drop metadata.creationTimestamp and status, YAML with sorted keys.
func marshalLikeKubeVirt(crd *extv1.CustomResourceDefinition) ([]byte, error) {
	crd.APIVersion = "apiextensions.k8s.io/v1"
	crd.Kind = "CustomResourceDefinition"
	j, err := json.Marshal(crd)
	if err != nil {
		return nil, err
	}
	var u unstructured.Unstructured
	if err := json.Unmarshal(j, &u.Object); err != nil {
		return nil, err
	}
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	unstructured.RemoveNestedField(u.Object, "status")
	j, err = json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	y, err := sigsyaml.JSONToYAML(j)
	if err != nil {
		return nil, err
	}
	return append([]byte("---\n"), y...), nil
}

// downloadModule runs `go mod download -json mod@version` (module cache / GOPROXY as configured)
// and returns the extracted module directory after checking the module hash.
func downloadModule(mod, version, sum string) (string, error) {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "mod", "download", "-json", mod+"@"+version)
	cmd.Dir = os.TempDir() // outside any module: no go.mod is consulted or modified
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	var info struct{ Dir, Sum, Error string }
	if jerr := json.Unmarshal(outb, &info); jerr != nil && err == nil {
		err = jerr
	}
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", mod, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", mod, version, err)
	}
	if info.Sum != sum {
		return "", fmt.Errorf("%s@%s: module hash %s, want %s", mod, version, info.Sum, sum)
	}
	return info.Dir, nil
}

// applyJSON6902 applies a JSON6902 patch given as YAML (as kustomize does) to a YAML document.
// Supported operations are the ones KEDA's CRD patches use: add (incl. array append "-") and
// remove. The patch is applied to a yaml.v3 node tree; when every operation adds a scalar to a
// mapping of the original document (true for scaledobject_patch.yaml), the result is written as
// the original text with one `key: value` line inserted per operation (at its sorted position
// among the siblings, as controller-gen orders keys), so the file stays line-diffable against
// upstream. Otherwise the node tree is re-encoded. Both forms are checked to parse equal.
func applyJSON6902(doc, patch []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	var ops []struct {
		Op    string    `yaml:"op"`
		Path  string    `yaml:"path"`
		Value yaml.Node `yaml:"value"`
	}
	if err := yaml.Unmarshal(patch, &ops); err != nil {
		return nil, err
	}
	type insertion struct {
		line int // 1-based line of the original document to insert before
		key  string
		text string
	}
	var inserts []insertion
	textual := true
	for _, op := range ops {
		toks := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		for i, t := range toks {
			toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		}
		parent, err := walk(root.Content[0], toks[:len(toks)-1])
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", op.Op, op.Path, err)
		}
		last := toks[len(toks)-1]
		switch op.Op {
		case "add":
			v := op.Value
			switch parent.Kind {
			case yaml.MappingNode:
				if idx := mapIndex(parent, last); idx >= 0 {
					parent.Content[idx+1] = &v
					textual = false
				} else {
					if v.Kind == yaml.ScalarNode && len(parent.Content) > 0 && parent.Content[0].Line > 0 && !strings.Contains(v.Value, "\n") {
						// before the first sibling key that sorts after the new key
						at := parent.Content[0]
						for i := 0; i+1 < len(parent.Content); i += 2 {
							if parent.Content[i].Value > last {
								at = parent.Content[i]
								break
							}
						}
						val, err := yaml.Marshal(&v)
						if err != nil {
							return nil, err
						}
						inserts = append(inserts, insertion{at.Line, last,
							strings.Repeat(" ", at.Column-1) + last + ": " + strings.TrimSpace(string(val))})
					} else {
						textual = false
					}
					parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last}, &v)
				}
			case yaml.SequenceNode:
				textual = false
				if last == "-" {
					parent.Content = append(parent.Content, &v)
				} else {
					i, err := strconv.Atoi(last)
					if err != nil || i < 0 || i > len(parent.Content) {
						return nil, fmt.Errorf("add %s: bad index", op.Path)
					}
					parent.Content = append(parent.Content[:i], append([]*yaml.Node{&v}, parent.Content[i:]...)...)
				}
			default:
				return nil, fmt.Errorf("add %s: parent is a scalar", op.Path)
			}
		case "remove":
			textual = false
			switch parent.Kind {
			case yaml.MappingNode:
				idx := mapIndex(parent, last)
				if idx < 0 {
					return nil, fmt.Errorf("remove %s: no such key", op.Path)
				}
				parent.Content = append(parent.Content[:idx], parent.Content[idx+2:]...)
			case yaml.SequenceNode:
				i, err := strconv.Atoi(last)
				if err != nil || i < 0 || i >= len(parent.Content) {
					return nil, fmt.Errorf("remove %s: bad index", op.Path)
				}
				parent.Content = append(parent.Content[:i], parent.Content[i+1:]...)
			default:
				return nil, fmt.Errorf("remove %s: parent is a scalar", op.Path)
			}
		default:
			return nil, fmt.Errorf("unsupported JSON6902 op %q", op.Op)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	if !textual {
		return buf.Bytes(), nil
	}
	sort.SliceStable(inserts, func(i, j int) bool {
		if inserts[i].line != inserts[j].line {
			return inserts[i].line < inserts[j].line
		}
		return inserts[i].key < inserts[j].key
	})
	lines := strings.SplitAfter(string(doc), "\n")
	var out strings.Builder
	k := 0
	for i, l := range lines {
		for k < len(inserts) && inserts[k].line == i+1 {
			out.WriteString(inserts[k].text + "\n")
			k++
		}
		out.WriteString(l)
	}
	if k != len(inserts) {
		return nil, fmt.Errorf("internal error: %d insertions not placed", len(inserts)-k)
	}
	// The text form must be the same object as the node tree form.
	var a, b interface{}
	if err := yaml.Unmarshal([]byte(out.String()), &a); err != nil {
		return nil, fmt.Errorf("patched text does not parse: %w", err)
	}
	if err := yaml.Unmarshal(buf.Bytes(), &b); err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(a, b) {
		return buf.Bytes(), nil
	}
	return []byte(out.String()), nil
}

func mapIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func walk(n *yaml.Node, toks []string) (*yaml.Node, error) {
	for _, t := range toks {
		switch n.Kind {
		case yaml.MappingNode:
			idx := mapIndex(n, t)
			if idx < 0 {
				return nil, fmt.Errorf("no key %q", t)
			}
			n = n.Content[idx+1]
		case yaml.SequenceNode:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, fmt.Errorf("bad index %q", t)
			}
			n = n.Content[i]
		default:
			return nil, fmt.Errorf("cannot descend into scalar at %q", t)
		}
	}
	return n, nil
}
