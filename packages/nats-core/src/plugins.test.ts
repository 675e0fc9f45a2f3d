import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { type Middleware, MiddlewareStack } from "./middleware.js";
import { installPlugins, pluginProblem } from "./plugins.js";

const pass: Middleware = (_op, next) => next();

describe("plugins", () => {
  it("describe what is wrong with a non-plugin", () => {
    expect(pluginProblem(null)).toMatch(/object/);
    expect(pluginProblem({ name: " ", install() {} })).toMatch(/non-empty name/);
    expect(pluginProblem({ name: "p" })).toMatch(/no install function/);
    expect(pluginProblem({ name: "p", install() {} })).toBeUndefined();
  });

  it("install in order", () => {
    const stack = new MiddlewareStack();
    installPlugins(stack, [
      { name: "a", install: (s) => s.add(pass, { name: "a" }) },
      { name: "b", install: (s) => s.add(pass, { name: "b", before: "a" }) },
    ]);
    expect(stack.names).toEqual(["b", "a"]);
  });

  it("roll back what a failing plugin added, and name it in a ConfigError", () => {
    const stack = new MiddlewareStack();
    stack.add(pass, { name: "existing" });
    const broken = {
      name: "half",
      install(s: MiddlewareStack) {
        s.add(pass, { name: "half-1" });
        s.add(pass, { name: "half-2" });
        throw new Error("no meter provider");
      },
    };
    let caught: unknown;
    try {
      installPlugins(stack, [broken]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(
      'plugin "half" failed to install: no meter provider',
    );
    expect(stack.names).toEqual(["existing"]);
  });
});
