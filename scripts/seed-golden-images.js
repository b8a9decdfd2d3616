#!/usr/bin/env node
/*
 * Seeds the embedded default's golden images (k8s/images: DataSource + source PVC) into the
 * local control planes, so Windows pools can clone them. Usage:
 *   node scripts/seed-golden-images.js <admin.kubeconfig>...
 */
require('@backstage/cli-node/config/nodeTransform.cjs');
const { KubeConfig } = require('@kubernetes/client-node');
const { join } = require('node:path');
const {
  seedGoldenImages,
} = require('../packages/testenv/src/kit/goldenImages');

async function main(kubeconfigs) {
  if (!kubeconfigs.length)
    throw new Error('usage: seed-golden-images.js <admin.kubeconfig>...');
  for (const file of kubeconfigs) {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    const applied = await seedGoldenImages(kc, join(__dirname, '..', 'k8s'));
    const names = applied.map(
      o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
    );
    process.stdout.write(
      `golden images in ${kc.getCurrentCluster()?.server}: ${names.join(
        ', ',
      )}\n`,
    );
  }
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`seed-golden-images: ${error.message}\n`);
  process.exit(1);
});
