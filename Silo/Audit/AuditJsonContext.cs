using System.Text.Json.Serialization;
using Custodian.Audit;

namespace Custodian.Silo.Audit;

/// <summary>The JSON of stored audit segments, generated at build time.</summary>
[JsonSerializable(typeof(IReadOnlyList<AuditEntry>))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
