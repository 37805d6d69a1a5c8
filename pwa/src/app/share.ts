// Share a certificate: the image itself where the Web Share API takes files, else its link,
// else copy the link; the caller shows the link when even that is impossible.
export type Shared = "shared" | "copied" | "cancelled" | "unsupported";

export interface ShareTarget {
  title: string;
  text: string;
  url: string;
  image?: () => Promise<Blob>;
  filename: string;
}

export async function shareCertificate(s: ShareTarget, nav: Navigator = navigator): Promise<Shared> {
  try {
    if (s.image && nav.canShare) {
      const file = new File([await s.image()], s.filename, { type: "image/png" });
      if (nav.canShare({ files: [file] })) {
        await nav.share({ files: [file], title: s.title, text: `${s.text}\n${s.url}` });
        return "shared";
      }
    }
    if (nav.share) {
      await nav.share({ title: s.title, text: s.text, url: s.url });
      return "shared";
    }
    if (nav.clipboard) {
      await nav.clipboard.writeText(s.url);
      return "copied";
    }
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") return "cancelled";
  }
  return "unsupported";
}
