// Loaded before every test file (--import): keeps the Temporal runtime's INFO chatter out of test output.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger(process.env.TEMPORAL_LOG_LEVEL === 'DEBUG' ? 'DEBUG' : 'WARN') });
