// Writing text/event-stream frames. Data is one JSON line; a string with line breaks would be split over
// several `data:` lines, which the SSE rules join back with LF.

export interface Frame {
  id?: number;
  type: string;
  data: string;
}

export function eventFrame(frame: Frame): string {
  const lines: string[] = [];
  if (frame.id !== undefined) lines.push(`id: ${frame.id}`);
  lines.push(`event: ${frame.type}`);
  for (const line of frame.data.split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

export function commentFrame(text: string): string {
  return `: ${text}\n\n`;
}
