import { describe, expect, it } from "vitest";
import { isLoopbackHost, parseInstanceUrl } from "../../src/servicenow/instance-url.js";

describe("parseInstanceUrl", () => {
  it("accepts https and normalises the trailing slash", () => {
    expect(parseInstanceUrl("https://acme.service-now.com/").href).toBe("https://acme.service-now.com/");
    expect(parseInstanceUrl(" https://gw.example/sn/?x=1#y ").href).toBe("https://gw.example/sn/");
  });

  it.each(["http://127.0.0.1:8080", "http://127.5.6.7", "http://localhost:3000", "http://[::1]:9000"])(
    "allows plain http to loopback: %s",
    (url) => {
      expect(parseInstanceUrl(url).protocol).toBe("http:");
    },
  );

  it("refuses plain http to any other host unless allowInsecureHttp is set", () => {
    expect(() => parseInstanceUrl("http://acme.service-now.com")).toThrow(/Refusing plain http:\/\/ to acme/);
    expect(() => parseInstanceUrl("http://128.0.0.1")).toThrow(/Refusing plain http/);
    expect(() => parseInstanceUrl("http://localhost.evil.com")).toThrow(/Refusing plain http/);
    expect(parseInstanceUrl("http://sn.lan", { allowInsecureHttp: true }).host).toBe("sn.lan");
  });

  it("refuses other schemes, non-URLs, and credentials in the URL without echoing them", () => {
    expect(() => parseInstanceUrl("ftp://acme")).toThrow(/https/);
    expect(() => parseInstanceUrl("acme.service-now.com")).toThrow(/not a URL/);
    let message = "";
    try {
      parseInstanceUrl("https://admin:Sup3rSecret@acme.service-now.com");
    } catch (err) {
      message = String(err) + JSON.stringify(err);
    }
    expect(message).toMatch(/contains credentials/);
    expect(message).not.toContain("Sup3rSecret");
  });

  it("knows loopback hosts", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("10.0.0.1")).toBe(false);
    expect(isLoopbackHost("127.example.com")).toBe(false);
  });
});
