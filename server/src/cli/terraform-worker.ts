import { parentPort, workerData } from 'node:worker_threads';
import { TerraformProject } from '../engine/adapters/terraform/project';
import { loadGrammars } from '../host/grammars';

/**
 * A worker thread of `avdsec scan` (terraform-threads.ts): parses the Terraform texts it is sent with the same grammar,
 * guard and budget as the engine, and sends back each tree's arrays (moved, not copied). A text it cannot read is
 * answered with nothing, and the scan parses it itself, so that the report says why as a one-thread scan would.
 */
const port = parentPort!;
void loadGrammars((workerData as { grammars: string }).grammars, { spare: false }).then(
  (grammars) => {
    const project = new TerraformProject(grammars);
    port.on('message', ({ id, text }: { id: number; text: string }) => {
      let arrays;
      try {
        arrays = project.parseAlone(text);
      } catch {
        arrays = undefined;
      }
      if (!arrays) port.postMessage({ id });
      else
        port.postMessage(
          { id, arrays },
          Object.values(arrays).map((a: ArrayBufferView) => a.buffer as ArrayBuffer),
        );
    });
  },
  // No grammar here: the scan parses every text itself.
  () => process.exit(1),
);
