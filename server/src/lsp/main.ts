import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { grammarsDir } from '../host/files';
import { startServer } from './server';

// `avdsec-language-server --stdio` (or --node-ipc / --socket=N, as vscode-languageclient starts it).
const connection = createConnection(ProposedFeatures.all);
startServer(connection, grammarsDir(__dirname));
