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

/** Touching these answers the ring: no point starting the sound for it. */
const RING_ANSWER_SELECTOR = ".call-ring-actions";

/**
 * The ring an incoming call makes, while it is mounted. A media element rather than WebAudio:
 * it follows the page's audio output and autoplay rules like any other sound. A browser refuses
 * sound to a page nobody has touched since it loaded (e.g. reopened in the morning and left):
 * `onMuted(true)` then, so the dialog can say so, and the ring starts at the first click or key
 * anywhere on the page.
 */
export function RingSound({ onMuted }: { onMuted: (muted: boolean) => void }) {
  // `onMuted` should be stable (a state setter): a new one restarts the ring.
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    let stopped = false;
    const unlisten = () => {
      document.removeEventListener("pointerdown", onTouch, true);
      document.removeEventListener("keydown", onTouch, true);
    };
    const play = () =>
      el.play().then(
        () => {
          unlisten();
          if (!stopped) onMuted(false);
        },
        (e: unknown) => {
          if (stopped || !(e instanceof DOMException && e.name === "NotAllowedError")) return;
          onMuted(true);
          document.addEventListener("pointerdown", onTouch, true);
          document.addEventListener("keydown", onTouch, true);
        },
      );
    function onTouch(ev: Event) {
      if (ev.target instanceof Element && ev.target.closest(RING_ANSWER_SELECTOR)) return;
      unlisten();
      void play();
    }
    void play();
    return () => {
      stopped = true;
      unlisten();
      el.pause();
      el.currentTime = 0;
    };
  }, [onMuted]);
  return <audio ref={audio} className="call-ring-sound" src={ringToneUrl()} loop hidden />;
}
