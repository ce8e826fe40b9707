import { useEffect, useRef } from "react";
import { ringToneWav } from "../../../widgets/src/calls/ring-tone.ts";

let toneUrl: string | undefined;
/** One blob URL for the session's rings (the tone never changes). */
function ringToneUrl(): string {
  toneUrl ??= URL.createObjectURL(
    new Blob([ringToneWav() as Uint8Array<ArrayBuffer>], { type: "audio/wav" }),
  );
  return toneUrl;
}

/**
 * The ring an incoming call makes, while it is mounted. A media element rather than WebAudio:
 * it follows the page's audio output and autoplay rules like any other sound. If the browser
 * refuses to play before the user touched the page, the ring dialog still shows.
 */
export function RingSound() {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    el.play().catch(() => undefined);
    return () => {
      el.pause();
      el.currentTime = 0;
    };
  }, []);
  return <audio ref={audio} className="call-ring-sound" src={ringToneUrl()} loop hidden />;
}
