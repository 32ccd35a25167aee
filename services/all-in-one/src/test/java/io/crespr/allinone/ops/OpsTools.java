package io.crespr.allinone.ops;
import java.nio.file.*;
public final class OpsTools { public static Path require(String n) { return Path.of("/usr/bin/" + n); } }
