namespace Custodian.Tests.Infrastructure;

/// <summary>A span as exported: the service and instrumentation scope that sent it, its name, trace id and string attributes.</summary>
public sealed record OtlpSpan(string Service, string Scope, string Name, string TraceId, IReadOnlyDictionary<string, string> Attributes);
