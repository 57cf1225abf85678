//! Tables: column widths from shares of the line, wrapped cells, a header
//! row repeated on every page, optional stripes. Rows up to a third of a
//! page move whole to the next page; taller ones are split by lines.

use super::cells::{make_cell, CellStyle};
use super::flow::{Flow, Row};
use crate::error::ReportError;
use crate::fonts::FontId;
use crate::model::{Column, Table};
use crate::style;

/// A header taller than this share of a page is not repeated (it would
/// leave no room for the rows).
const MAX_REPEATED_HEADER_SHARE: f32 = 0.3;

/// Left edge and width of each column, from their shares of `width`.
fn column_boxes(columns: &[Column], left: f32, width: f32) -> Result<Vec<(f32, f32)>, ReportError> {
    if columns.is_empty() {
        return Err(ReportError::InvalidTable("表格没有列".into()));
    }
    if let Some((i, c)) = columns
        .iter()
        .enumerate()
        .find(|(_, c)| !(c.width.is_finite() && c.width > 0.0))
    {
        return Err(ReportError::InvalidTable(format!(
            "第 {} 列（{}）的宽度 {} 无效，应为正数",
            i + 1,
            c.header,
            c.width
        )));
    }
    let total: f32 = columns.iter().map(|c| c.width).sum();
    if !total.is_finite() {
        return Err(ReportError::InvalidTable("列宽之和无效".into()));
    }
    let mut x = left;
    Ok(columns
        .iter()
        .map(|c| {
            let w = width * c.width / total;
            let cell = (x, w);
            x += w;
            cell
        })
        .collect())
}

impl Flow<'_, '_> {
    fn table_row(
        &self,
        texts: &[String],
        boxes: &[(f32, f32)],
        styles: impl Fn(usize) -> CellStyle,
    ) -> Result<Row, ReportError> {
        let cells = texts
            .iter()
            .zip(boxes)
            .enumerate()
            .map(|(i, (text, &(x, w)))| make_cell(self.book, text, x, w, styles(i)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Row {
            cells,
            line_height: style::TABLE_SIZE * style::TABLE_LEADING,
            pad_top: style::CELL_PAD_Y,
            pad_bottom: style::CELL_PAD_Y,
            borders: true,
            keep: true,
        })
    }

    pub(crate) fn table(&mut self, table: &Table) -> Result<(), ReportError> {
        let boxes = column_boxes(&table.columns, self.area.left, self.area.width())?;
        if let Some((i, row)) = table
            .rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != table.columns.len())
        {
            return Err(ReportError::InvalidTable(format!(
                "第 {} 行有 {} 个单元格，应为 {} 个",
                i + 1,
                row.len(),
                table.columns.len()
            )));
        }
        let headers: Vec<String> = table.columns.iter().map(|c| c.header.clone()).collect();
        let header = self.table_row(&headers, &boxes, |i| {
            CellStyle::table(
                FontId::Bold,
                table.columns[i].align,
                Some(style::HEADER_FILL),
            )
        })?;
        let mut body = Vec::with_capacity(table.rows.len());
        for (n, texts) in table.rows.iter().enumerate() {
            let fill = (table.striped && n % 2 == 1).then_some(style::STRIPE_FILL);
            body.push(self.table_row(texts, &boxes, |i| {
                CellStyle::table(FontId::Regular, table.columns[i].align, fill)
            })?);
        }

        let repeat = header.height() <= self.area.height() * MAX_REPEATED_HEADER_SHARE;
        // Never leave the header alone at the foot of a page.
        let first = body.first().map_or(0.0, |r| r.start_height(&self.area));
        self.ensure(header.height() + first);
        self.place_row(&header, None);
        let repeated = repeat.then_some(&header);
        for row in &body {
            self.place_row(row, repeated);
        }
        self.gap(style::BODY_SIZE * 0.8);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_normalised() {
        let cols = [
            Column::new("a", 1.0),
            Column::new("b", 2.0),
            Column::new("c", 1.0),
        ];
        let boxes = column_boxes(&cols, 10.0, 400.0).unwrap();
        assert_eq!(boxes, vec![(10.0, 100.0), (110.0, 200.0), (310.0, 100.0)]);
    }

    #[test]
    fn bad_widths_are_refused() {
        for w in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            let err = column_boxes(&[Column::new("序号", w)], 0.0, 100.0).unwrap_err();
            assert_eq!(err.code(), "invalid_table");
        }
        let huge = [Column::new("a", f32::MAX), Column::new("b", f32::MAX)];
        assert_eq!(
            column_boxes(&huge, 0.0, 100.0).unwrap_err().code(),
            "invalid_table"
        );
        assert_eq!(
            column_boxes(&[], 0.0, 100.0).unwrap_err().code(),
            "invalid_table"
        );
    }
}
