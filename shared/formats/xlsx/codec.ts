/** Plugs the XLSX reader and writer into the formats module (see ../xlsx-support.ts). */
import { useXlsx } from '../xlsx-support.js';
import { openXlsx } from './book.js';
import { readXlsx } from './read.js';
import { writeXlsx } from './write.js';

useXlsx({ read: readXlsx, open: openXlsx, write: writeXlsx });
