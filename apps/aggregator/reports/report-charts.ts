import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import JSZip from 'jszip';

/**
 * Native charts (DrawingML) added to an XLSX package that exceljs wrote. Hand-written because no
 * maintained Node library writes charts into XLSX files (exceljs writes none); the parts are the
 * few that ECMA-376 requires, so the charts stay editable in Excel and LibreOffice and are drawn
 * from the sheet's cells (their cached values are written too, for readers that do not recalculate).
 */

export interface ChartSeries {
  name: string;
  /** A column range of the sheet, e.g. `'Daily Totals'!$B$2:$B$31`. */
  ref: string;
  values: number[];
  /** RGB hex, no #. */
  color: string;
}

export interface ChartSpec {
  kind: 'line' | 'bar';
  title: string;
  axisTitle: string;
  categories: { ref: string; values: string[] };
  series: ChartSeries[];
  /** Cells the chart covers, zero-based: from (col, row) to (col, row), the last excluded. */
  anchor: { fromCol: number; fromRow: number; toCol: number; toRow: number };
}

const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_XDR = 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing';
const NS_PACKAGE_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_CHART = `${NS_R}/chart`;
const REL_DRAWING = `${NS_R}/drawing`;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!,
  );
}

const points = (values: (string | number)[]): string =>
  `<c:ptCount val="${values.length}"/>` +
  values.map((value, index) => `<c:pt idx="${index}"><c:v>${escapeXml(String(value))}</c:v></c:pt>`).join('');

const richText = (text: string): string =>
  `<c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>${escapeXml(text)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/>`;

function seriesXml(chart: ChartSpec, series: ChartSeries, index: number): string {
  const fill = `<a:solidFill><a:srgbClr val="${series.color}"/></a:solidFill>`;
  const shape =
    chart.kind === 'line'
      ? `<c:spPr><a:ln w="28575">${fill}</a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>`
      : `<c:spPr>${fill}</c:spPr><c:invertIfNegative val="0"/>`;
  return (
    `<c:ser><c:idx val="${index}"/><c:order val="${index}"/>` +
    `<c:tx><c:v>${escapeXml(series.name)}</c:v></c:tx>${shape}` +
    `<c:cat><c:strRef><c:f>${escapeXml(chart.categories.ref)}</c:f><c:strCache>${points(chart.categories.values)}</c:strCache></c:strRef></c:cat>` +
    `<c:val><c:numRef><c:f>${escapeXml(series.ref)}</c:f><c:numCache><c:formatCode>General</c:formatCode>${points(series.values)}</c:numCache></c:numRef></c:val>` +
    (chart.kind === 'line' ? '<c:smooth val="0"/>' : '') +
    '</c:ser>'
  );
}

export function chartXml(chart: ChartSpec): string {
  const series = chart.series.map((one, index) => seriesXml(chart, one, index)).join('');
  const axes = '<c:axId val="500001"/><c:axId val="500002"/>';
  const plot =
    chart.kind === 'line'
      ? `<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${series}<c:marker val="1"/>${axes}</c:lineChart>`
      : `<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>${series}<c:gapWidth val="80"/>${axes}</c:barChart>`;
  return (
    XML_HEAD +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}"><c:roundedCorners val="0"/><c:chart>` +
    `<c:title>${richText(chart.title)}</c:title><c:autoTitleDeleted val="0"/>` +
    `<c:plotArea><c:layout/>${plot}` +
    '<c:catAx><c:axId val="500001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>' +
    '<c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="500002"/><c:crosses val="autoZero"/>' +
    '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>' +
    '<c:valAx><c:axId val="500002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/>' +
    `<c:majorGridlines/><c:title>${richText(chart.axisTitle)}</c:title><c:numFmt formatCode="General" sourceLinked="0"/>` +
    '<c:tickLblPos val="nextTo"/><c:crossAx val="500001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>' +
    '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>' +
    '</c:chart></c:chartSpace>'
  );
}

/** The drawing of one sheet: a frame per chart, chart i behind relationship rId{i+1}. */
function drawingXml(charts: ChartSpec[]): string {
  const cell = (col: number, row: number): string =>
    `<xdr:col>${col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${row}</xdr:row><xdr:rowOff>0</xdr:rowOff>`;
  const anchors = charts.map(
    (chart, index) =>
      `<xdr:twoCellAnchor><xdr:from>${cell(chart.anchor.fromCol, chart.anchor.fromRow)}</xdr:from>` +
      `<xdr:to>${cell(chart.anchor.toCol, chart.anchor.toRow)}</xdr:to>` +
      `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${index + 2}" name="${escapeXml(chart.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
      '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>' +
      `<a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" r:id="rId${index + 1}"/></a:graphicData></a:graphic>` +
      '</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>',
  );
  return (
    XML_HEAD +
    `<xdr:wsDr xmlns:xdr="${NS_XDR}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">${anchors.join('')}</xdr:wsDr>`
  );
}

const relationships = (rels: { id: string; type: string; target: string }[]): string =>
  XML_HEAD +
  `<Relationships xmlns="${NS_PACKAGE_RELS}">` +
  rels.map((rel) => `<Relationship Id="${rel.id}" Type="${rel.type}" Target="${rel.target}"/>`).join('') +
  '</Relationships>';

/** Elements a worksheet may have after <drawing> (ECMA-376 CT_Worksheet order), or its end. */
const AFTER_DRAWING = /<(legacyDrawing|legacyDrawingHF|picture|oleObjects|tableParts|extLst)\b|<\/worksheet>/;

/**
 * Adds `charts` to sheet number `sheet` (xl/worksheets/sheet{sheet}.xml) of the package at
 * `source`, writing the result to `target`. The sheets' rows are copied still compressed.
 */
export async function addCharts(
  source: string,
  target: string,
  sheet: number,
  charts: ChartSpec[],
): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(source));
  const sheetPath = `xl/worksheets/sheet${sheet}.xml`;
  const sheetXml = await zip.file(sheetPath)!.async('string');
  const relsPath = `xl/worksheets/_rels/sheet${sheet}.xml.rels`;
  const existingRels = await zip.file(relsPath)?.async('string');
  const drawingRelId = 'rIdVccDrawing1';
  const drawingRel = `<Relationship Id="${drawingRelId}" Type="${REL_DRAWING}" Target="../drawings/drawing${sheet}.xml"/>`;
  zip.file(
    relsPath,
    existingRels
      ? existingRels.replace('</Relationships>', `${drawingRel}</Relationships>`)
      : relationships([{ id: drawingRelId, type: REL_DRAWING, target: `../drawings/drawing${sheet}.xml` }]),
  );
  const at = AFTER_DRAWING.exec(sheetXml)!.index;
  zip.file(sheetPath, `${sheetXml.slice(0, at)}<drawing r:id="${drawingRelId}"/>${sheetXml.slice(at)}`);

  zip.file(`xl/drawings/drawing${sheet}.xml`, drawingXml(charts));
  zip.file(
    `xl/drawings/_rels/drawing${sheet}.xml.rels`,
    relationships(
      charts.map((_, index) => ({
        id: `rId${index + 1}`,
        type: REL_CHART,
        target: `../charts/chart${sheet}_${index + 1}.xml`,
      })),
    ),
  );
  charts.forEach((chart, index) => zip.file(`xl/charts/chart${sheet}_${index + 1}.xml`, chartXml(chart)));

  const types = await zip.file('[Content_Types].xml')!.async('string');
  const overrides = [
    `<Override PartName="/xl/drawings/drawing${sheet}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>`,
    ...charts.map(
      (_, index) =>
        `<Override PartName="/xl/charts/chart${sheet}_${index + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`,
    ),
  ];
  zip.file('[Content_Types].xml', types.replace('</Types>', `${overrides.join('')}</Types>`));

  await pipeline(
    zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE' }),
    createWriteStream(target),
  );
}
