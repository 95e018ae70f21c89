import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { configCommand } from './config.js';
import { devCommand } from './dev.js';
import { topicCommand } from './topic.js';

// Typed loosely here: yargs' builder types do not compose across modules.
export const commandModules = [devCommand, configCommand, topicCommand] as unknown as CommandModule<object, GlobalArgs>[];
