package components

// The imports of upstream crds.go (added by -overlay), listed here so that `go mod tidy`
// without the overlay keeps the same requirements in go.mod/go.sum.
import (
	_ "k8s.io/api/scheduling/v1"
	_ "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	_ "k8s.io/apimachinery/pkg/apis/meta/v1"
	_ "k8s.io/apimachinery/pkg/util/yaml"
	_ "kubevirt.io/api/backup/v1alpha1"
	_ "kubevirt.io/api/clone"
	_ "kubevirt.io/api/clone/v1alpha1"
	_ "kubevirt.io/api/clone/v1beta1"
	_ "kubevirt.io/api/core/v1"
	_ "kubevirt.io/api/export/v1"
	_ "kubevirt.io/api/export/v1beta1"
	_ "kubevirt.io/api/instancetype"
	_ "kubevirt.io/api/instancetype/v1beta1"
	_ "kubevirt.io/api/migrations"
	_ "kubevirt.io/api/migrations/v1alpha1"
	_ "kubevirt.io/api/plugin"
	_ "kubevirt.io/api/pool/v1alpha1"
	_ "kubevirt.io/api/pool/v1beta1"
	_ "kubevirt.io/api/snapshot/v1alpha1"
	_ "kubevirt.io/api/snapshot/v1beta1"
	_ "kubevirt.io/kubevirt/pkg/pointer"
)
