// Package components is KubeVirt's CRD constructors, compiled from upstream source.
//
// kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components cannot be imported as a
// whole from the Go proxy available here: sibling files in that package pull in
// pkg/virt-operator/util -> pkg/controller -> kubevirt.io/virt-template-api, whose releases the
// proxy does not serve (403). The CRD constructors live in two self-contained files, so
// ../../build.sh adds them, unmodified, from the pinned kubevirt.io/kubevirt module download to
// this package with `go build -overlay` (see overlay.sh):
//
//	crds.go                  NewReplicaSetCrd, NewVirtualMachinePoolCrd, NewVirtualMachineCrd,
//	                         NewVirtualMachineInstanceCrd, newBlankCrd, newCRDVersions, ...
//	validations_generated.go CRDsValidation (openAPIV3Schema per CRD singular name)
//
// Nothing from those files is copied into this repository. Without the overlay this package
// has no exported symbols and crdgen does not compile.
package components
