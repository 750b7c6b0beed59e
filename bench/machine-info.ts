// The machine a result was measured on, as BENCHMARKS.md reports it.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  memTotalMb: number;
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  let memTotalMb = Number.NaN;
  try {
    cpuModel =
      /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
    memTotalMb = Math.round(
      Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) / 1024,
    );
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { cpuModel, cores: cpus().length, node: process.version, memTotalMb };
}

/** How busy the shared box was: 1-minute load average and CPU pressure (share of time tasks waited for a CPU). */
export interface BoxLoad {
  loadAvg1m: number;
  cpuPressureSomeAvg60: number;
}

export function boxLoad(): BoxLoad {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    loadAvg1m: Number(read('/proc/loadavg').split(' ')[0] ?? Number.NaN),
    cpuPressureSomeAvg60: Number(
      /^some .*avg60=([\d.]+)/m.exec(read('/proc/pressure/cpu'))?.[1] ?? Number.NaN,
    ),
  };
}
