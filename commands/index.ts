import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { completionCommand } from './completion.js';
import { configCommand } from './config.js';
import { consumeCommand } from './consume.js';
import { dashboardCommand } from './dashboard.js';
import { demoCommand } from './demo.js';
import { devCommand } from './dev.js';
import { dlqCommand } from './dlq.js';
import { lagCommand } from './lag.js';
import { offsetsCommand } from './offsets.js';
import { produceCommand } from './produce.js';
import { schemaCommand } from './schema.js';
import { partitionCommand } from './partition.js';
import { topicCommand } from './topic.js';
import { topologyCommand } from './topology.js';
import { verifyCommand } from './verify.js';

// Typed loosely here: yargs' builder types do not compose across modules.
export const commandModules = [devCommand, configCommand, topicCommand, produceCommand, schemaCommand, topologyCommand, partitionCommand, consumeCommand, lagCommand, offsetsCommand, dlqCommand, verifyCommand, dashboardCommand, demoCommand, completionCommand] as unknown as CommandModule<object, GlobalArgs>[];
