package io.crespr.allinone.ops;
import java.util.*;
public final class DeployMetricNames { public static Set<String> used() { return Set.of("crespr_stage_processing_seconds_bucket", "up"); } }
