using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custodian.Incidents;
using Custodian.Subjects;

namespace Custodian.Exports;

/// <summary>
/// The JSON of the exports whose properties are camelCase (the subject export), source-generated: the
/// document types are the format, and a reader deserializes them with the same context.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SubjectExportDocument))]
public sealed partial class ExportJson : JsonSerializerContext;

/// <summary>The JSON of the breach register, whose names are its CSV columns (snake_case), source-generated.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ImmutableArray<IncidentRegisterRow>))]
public sealed partial class RegisterJson : JsonSerializerContext;
