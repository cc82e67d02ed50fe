/** Plugs the XLSX reader and writer into the formats module (see ../xlsx-support.ts). */
import { useXlsx } from '../xlsx-support.js';
import { readXlsx } from './read.js';
import { writeXlsx } from './write.js';

useXlsx({ read: readXlsx, write: writeXlsx });
