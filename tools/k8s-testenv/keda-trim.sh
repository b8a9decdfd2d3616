#!/usr/bin/env bash
# Trim a writable copy of KEDA's module source so that only what Runner Fleet runs compiles:
#   keda-trim.sh <keda-src-dir>
# Upstream's pkg/scalers is ONE Go package holding ~70 scalers, each with its cloud SDK, and
# pkg/scaling/resolver pulls Azure Key Vault, AWS/GCP secret managers and HashiCorp Vault: a cold
# build of the full operator took ~1 h on 2 cores. The product renders only `metrics-api` and
# `cron` triggers (plugins/runners-backend/src/provisioning/render/keda.ts) with secretTargetRef
# TriggerAuthentications, so this script:
#   - deletes every pkg/scalers/*_scaler.go (and tests) except those two (helpers stay),
#   - rewrites pkg/scaling/scalers_builder.go's trigger switch to those two,
#   - replaces the cloud secret handlers (Azure Key Vault, AWS/GCP secret managers, HashiCorp
#     Vault) and the Azure Event Grid CloudEvent destination with stubs that fail with
#     "not built in this trimmed KEDA",
#   - points the resolver's Azure service-principal key names at a constants-only package.
# go.mod/go.sum stay upstream's (unused requirements are fine with -mod=readonly). Applied by
# build-controllers.sh; this file is part of its cache stamp. Fails loudly if upstream moved.
set -euo pipefail
src=${1:?usage: keda-trim.sh <keda-src-dir>}
cd "$src"
[ -f pkg/scaling/scalers_builder.go ] || { echo "keda-trim: $src is not a KEDA source tree" >&2; exit 1; }

keep_triggers='cron metrics-api'
keep_files='cron_scaler.go metrics_api_scaler.go'
not_built='not built in this trimmed KEDA (tools/k8s-testenv/keda-trim.sh)'

# 1. Scalers: only the kept ones (helpers such as scaler.go and the subpackages stay; unused
#    subpackages are simply not compiled).
for f in pkg/scalers/*_scaler.go pkg/scalers/*_test.go; do
  case " $keep_files " in *" $(basename "$f") "*) ;; *) rm -f "$f" ;; esac
done
# Shared constants that lived in a deleted scaler file.
printf 'package scalers\n\nconst externalMetricType = "External"\n' >pkg/scalers/trimmed_consts.go
rm -f pkg/scalers/*_test.go pkg/scaling/*_test.go pkg/scaling/resolver/*_test.go pkg/eventemitter/*_test.go

# 2. The trigger switch: keep only the kept cases (each case is a `case "x":` line plus its body
#    up to the next case/default).
awk -v keep=" $keep_triggers " '
  /TRIGGERS-START/ { inside = 1; print; next }
  /TRIGGERS-END/ { inside = 0 }
  inside && /^\tcase "/ { name = $0; sub(/^\tcase "/, "", name); sub(/".*/, "", name); drop = index(keep, " " name " ") == 0 }
  inside && /^\tdefault:/ { drop = 0 }
  inside && /^\t\/\// { next }
  inside && drop { next }
  { print }
' pkg/scaling/scalers_builder.go >pkg/scaling/scalers_builder.go.new
mv pkg/scaling/scalers_builder.go.new pkg/scaling/scalers_builder.go
n=$(grep -c '^	case "' pkg/scaling/scalers_builder.go)
[ "$n" = "$(wc -w <<<"$keep_triggers")" ] || { echo "keda-trim: expected $(wc -w <<<"$keep_triggers") trigger cases, found $n" >&2; exit 1; }

# 3. Azure service-principal key names (constants only) without the Azure SDK.
mkdir -p pkg/scalers/azureconst
{
  echo '// Package azureconst holds the key names of pkg/scalers/azure, without the Azure SDK (keda-trim.sh).'
  echo 'package azureconst'
  echo
  echo 'const ('
  sed -n 's/^\t\(ServicePrincipal[A-Za-z]*Key\)\s*=\s*\(".*"\)$/\t\1 = \2/p' pkg/scalers/azure/azure_service_principal.go
  echo ')'
} >pkg/scalers/azureconst/azureconst.go
grep -q ServicePrincipalAuthKey pkg/scalers/azureconst/azureconst.go || { echo "keda-trim: no Azure key names found" >&2; exit 1; }
sed -i 's#"github.com/kedacore/keda/v2/pkg/scalers/azure"#azure "github.com/kedacore/keda/v2/pkg/scalers/azureconst"#' pkg/scaling/resolver/scale_resolvers.go

# 4. Cloud secret handlers: same API, failing at Initialize.
r=pkg/scaling/resolver
# The resolver's config validation uses the Vault handler's address comparison, and the operator's
# flags its default token path (neither needs the Vault SDK).
{
  printf 'package resolver\n\nimport (\n\t"net/url"\n\t"strings"\n)\n\n'
  sed -n 's/^\t\(DefaultVaultKubernetesAuthTokenFile\s*=.*\)$/const \1\n/p' $r/hashicorpvault_handler.go
  awk '/^\/\/ vaultAddressesEqual /, /^}$/' $r/hashicorpvault_handler.go
} >$r/vault_address.go
grep -q '^func vaultAddressesEqual' $r/vault_address.go && grep -q '^const DefaultVaultKubernetesAuthTokenFile' $r/vault_address.go || { echo "keda-trim: vaultAddressesEqual/DefaultVaultKubernetesAuthTokenFile not found" >&2; exit 1; }
rm -f $r/aws_secretmanager_handler.go $r/azure_keyvault_handler.go $r/gcp_secretmanager_handler.go $r/hashicorpvault_handler.go
cat >$r/trimmed_handlers.go <<GO
package resolver

import (
	"context"
	"errors"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"github.com/kedacore/keda/v2/pkg/scalers/authentication"
)

func notBuilt(what string) error { return errors.New(what + " is $not_built") }

// AwsSecretManagerHandler is a stub (keda-trim.sh).
type AwsSecretManagerHandler struct{}

// NewAwsSecretManagerHandler returns a stub.
func NewAwsSecretManagerHandler(*kedav1alpha1.AwsSecretManager) *AwsSecretManagerHandler {
	return &AwsSecretManagerHandler{}
}

// Read fails.
func (*AwsSecretManagerHandler) Read(context.Context, logr.Logger, string, string, string, string) (string, error) {
	return "", notBuilt("AWS Secrets Manager")
}

// Initialize fails.
func (*AwsSecretManagerHandler) Initialize(context.Context, client.Client, logr.Logger, string, corev1listers.SecretLister, *corev1.PodSpec) error {
	return notBuilt("AWS Secrets Manager")
}

// Stop does nothing.
func (*AwsSecretManagerHandler) Stop() {}

// AzureKeyVaultHandler is a stub (keda-trim.sh).
type AzureKeyVaultHandler struct{}

// NewAzureKeyVaultHandler returns a stub.
func NewAzureKeyVaultHandler(*kedav1alpha1.AzureKeyVault) *AzureKeyVaultHandler {
	return &AzureKeyVaultHandler{}
}

// Initialize fails.
func (*AzureKeyVaultHandler) Initialize(context.Context, client.Client, logr.Logger, string, corev1listers.SecretLister) error {
	return notBuilt("Azure Key Vault")
}

// Read fails.
func (*AzureKeyVaultHandler) Read(context.Context, string, string) (string, error) {
	return "", notBuilt("Azure Key Vault")
}

// GCPSecretManagerHandler is a stub (keda-trim.sh).
type GCPSecretManagerHandler struct{}

// NewGCPSecretManagerHandler returns a stub.
func NewGCPSecretManagerHandler(*kedav1alpha1.GCPSecretManager) *GCPSecretManagerHandler {
	return &GCPSecretManagerHandler{}
}

// Initialize fails.
func (*GCPSecretManagerHandler) Initialize(context.Context, client.Client, logr.Logger, string, corev1listers.SecretLister) error {
	return notBuilt("GCP Secret Manager")
}

// Read fails.
func (*GCPSecretManagerHandler) Read(context.Context, string, string) (string, error) {
	return "", notBuilt("GCP Secret Manager")
}

// HashicorpVaultHandler is a stub (keda-trim.sh).
type HashicorpVaultHandler struct{}

// NewHashicorpVaultHandler returns a stub.
func NewHashicorpVaultHandler(*kedav1alpha1.HashiCorpVault, *authentication.AuthClientSet, string) *HashicorpVaultHandler {
	return &HashicorpVaultHandler{}
}

// Initialize fails.
func (*HashicorpVaultHandler) Initialize(logr.Logger) error { return notBuilt("HashiCorp Vault") }

// ResolveSecrets fails.
func (*HashicorpVaultHandler) ResolveSecrets([]kedav1alpha1.VaultSecret) ([]kedav1alpha1.VaultSecret, error) {
	return nil, notBuilt("HashiCorp Vault")
}

// Stop does nothing.
func (*HashicorpVaultHandler) Stop() {}
GO

# 5. CloudEvent destination Azure Event Grid: same constructor, failing.
e=pkg/eventemitter
rm -f $e/azure_event_grid_topic_handler.go
cat >$e/trimmed_azure_event_grid.go <<GO
package eventemitter

import (
	"context"
	"errors"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	eventingv1alpha1 "github.com/kedacore/keda/v2/apis/eventing/v1alpha1"
	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"github.com/kedacore/keda/v2/pkg/eventemitter/eventdata"
)

// AzureEventGridTopicHandler is a stub (keda-trim.sh).
type AzureEventGridTopicHandler struct{}

// NewAzureEventGridTopicHandler fails.
func NewAzureEventGridTopicHandler(context.Context, string, *eventingv1alpha1.AzureEventGridTopicSpec, map[string]string, kedav1alpha1.AuthPodIdentity, logr.Logger) (*AzureEventGridTopicHandler, error) {
	return nil, errors.New("Azure Event Grid is $not_built")
}

// CloseHandler does nothing.
func (*AzureEventGridTopicHandler) CloseHandler() {}

// SetActiveStatus does nothing.
func (*AzureEventGridTopicHandler) SetActiveStatus(metav1.ConditionStatus) {}

// GetActiveStatus reports false.
func (*AzureEventGridTopicHandler) GetActiveStatus() metav1.ConditionStatus { return metav1.ConditionFalse }

// EmitEvent does nothing.
func (*AzureEventGridTopicHandler) EmitEvent(eventdata.EventData, func(eventdata.EventData, error)) {}
GO
echo "keda-trim: kept triggers: $keep_triggers" >&2
